// Serves index.html for directory paths (/docs/ and /docs become /docs/index.html): S3 behind
// origin access control answers 403 for them. The release itself is chosen by the origin path.
function handler(event) {
  var request = event.request;
  var uri = request.uri;
  if (uri.endsWith('/')) {
    request.uri = uri + 'index.html';
  } else if (!uri.split('/').pop().includes('.')) {
    request.uri = uri + '/index.html';
  }
  return request;
}
