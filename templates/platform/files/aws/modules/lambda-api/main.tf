data "aws_region" "current" {}

locals {
  region = data.aws_region.current.region
}

################################################################################
# Function: the pipeline publishes versions and moves the alias; Terraform creates the first one
################################################################################

# The first version runs a placeholder answering 200 at the function's handler (module.function
# for Python, file.export for Node.js), the entry point the application's package provides as
# well. Lambda does not build packages: for the compiled runtimes (Java, .NET, Go) the
# placeholder is not runnable, and the pipeline's first deploy brings the real package.
locals {
  handler_parts    = split(".", var.handler)
  handler_file     = join("/", slice(local.handler_parts, 0, max(length(local.handler_parts) - 1, 1)))
  handler_function = local.handler_parts[length(local.handler_parts) - 1]
  placeholder = (
    startswith(var.runtime, "nodejs") ? {
      file = "${local.handler_file}.mjs"
      code = templatefile("${path.module}/placeholder.mjs.tftpl", { function = local.handler_function })
    } :
    startswith(var.runtime, "python") ? {
      file = "${local.handler_file}.py"
      code = templatefile("${path.module}/placeholder.py.tftpl", { function = local.handler_function })
    } :
    { file = "PLACEHOLDER", code = "No release has been deployed yet.\n" }
  )
}

data "archive_file" "placeholder" {
  type        = "zip"
  output_path = "${path.root}/.terraform/tmp/${var.name}-placeholder.zip"

  source {
    content  = local.placeholder.code
    filename = local.placeholder.file
  }
}

resource "aws_cloudwatch_log_group" "function" {
  name              = "/aws/lambda/${var.name}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
}

data "aws_iam_policy_document" "lambda_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "function" {
  name                 = "${var.name}-lambda"
  path                 = var.iam_role_path
  permissions_boundary = var.permissions_boundary_arn
  assume_role_policy   = data.aws_iam_policy_document.lambda_assume.json
}

resource "aws_iam_role_policy_attachment" "vpc_access" {
  role       = aws_iam_role.function.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"
}

resource "aws_iam_role_policy_attachment" "xray" {
  role       = aws_iam_role.function.name
  policy_arn = "arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess"
}

data "aws_iam_policy_document" "function" {
  # The function's environment variables, which Lambda decrypts with this role when an execution
  # environment starts.
  statement {
    sid       = "DecryptItsEnvironment"
    actions   = ["kms:Decrypt"]
    resources = [var.kms_key_arn]

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["lambda.${local.region}.amazonaws.com"]
    }
  }

  dynamic "statement" {
    for_each = length(var.secret_arns) > 0 ? [var.secret_arns] : []

    content {
      sid       = "DecryptItsSecrets"
      actions   = ["kms:Decrypt"]
      resources = [var.kms_key_arn]

      # Only through Secrets Manager and only for its own secrets (Secrets Manager's encryption
      # context SecretARN): the key decrypts nothing else for this role.
      condition {
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = ["secretsmanager.${local.region}.amazonaws.com"]
      }

      condition {
        test     = "StringEquals"
        variable = "kms:EncryptionContext:SecretARN"
        values   = statement.value
      }
    }
  }

  dynamic "statement" {
    for_each = length(var.secret_arns) > 0 ? [var.secret_arns] : []

    content {
      sid       = "ReadSecrets"
      actions   = ["secretsmanager:GetSecretValue"]
      resources = statement.value
    }
  }

  dynamic "statement" {
    for_each = length(var.database_user_arns) > 0 ? [var.database_user_arns] : []

    content {
      sid       = "SignInToTheDatabase"
      actions   = ["rds-db:connect"]
      resources = statement.value
    }
  }
}

resource "aws_iam_role_policy" "function" {
  name   = "read-secrets"
  role   = aws_iam_role.function.id
  policy = data.aws_iam_policy_document.function.json
}

resource "aws_security_group" "function" {
  name        = "${var.name}-lambda"
  description = "Lambda function of ${var.name}"
  vpc_id      = var.vpc_id
}

resource "aws_vpc_security_group_egress_rule" "function_https" {
  security_group_id = aws_security_group.function.id
  description       = "HTTPS to AWS APIs and third parties"
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
}

resource "aws_vpc_security_group_egress_rule" "function_vpc" {
  security_group_id = aws_security_group.function.id
  description       = "TCP inside the VPC (database, cache); their own security groups decide"
  cidr_ipv4         = var.vpc_cidr_block
  ip_protocol       = "tcp"
  from_port         = 0
  to_port           = 65535
}

# Invoked synchronously by the API: errors return to the caller, so a dead-letter queue (which
# only applies to asynchronous invocations) would stay empty.
resource "aws_lambda_function" "this" {
  # checkov:skip=CKV_AWS_116: synchronous invocations only (API Gateway); a dead-letter queue never receives anything
  # checkov:skip=CKV_AWS_272: packages are built and promoted by the pipeline from one signed artifact; Lambda code signing needs an AWS Signer profile the pipeline does not use
  function_name                  = var.name
  description                    = "API handler of ${var.name}"
  role                           = aws_iam_role.function.arn
  runtime                        = var.runtime
  handler                        = var.handler
  architectures                  = [var.architecture]
  memory_size                    = var.memory_mb
  timeout                        = var.timeout_seconds
  reserved_concurrent_executions = var.reserved_concurrency
  kms_key_arn                    = var.kms_key_arn
  filename                       = data.archive_file.placeholder.output_path
  source_code_hash               = data.archive_file.placeholder.output_base64sha256
  publish                        = true

  environment {
    variables = var.environment
  }

  vpc_config {
    subnet_ids         = var.private_subnet_ids
    security_group_ids = [aws_security_group.function.id]
  }

  tracing_config {
    mode = "Active"
  }

  logging_config {
    log_format = "JSON"
    log_group  = aws_cloudwatch_log_group.function.name
  }

  lifecycle {
    ignore_changes = [filename, source_code_hash]
  }

  depends_on = [
    aws_iam_role_policy_attachment.vpc_access,
    aws_iam_role_policy.function,
  ]
}

# The API invokes this alias. Deployments move it to a new version, all at once or by weights
# (AdditionalVersionWeights), and back on rollback: Terraform does not reset it.
resource "aws_lambda_alias" "live" {
  name             = var.alias_name
  description      = "Version serving the API"
  function_name    = aws_lambda_function.this.function_name
  function_version = aws_lambda_function.this.version

  lifecycle {
    ignore_changes = [function_version, routing_config]
  }
}

################################################################################
# HTTP API
################################################################################

resource "aws_cloudwatch_log_group" "api" {
  name              = "/aws/apigateway/${var.name}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
}

resource "aws_apigatewayv2_api" "this" {
  name                         = var.name
  description                  = "Public API of ${var.name}"
  protocol_type                = "HTTP"
  disable_execute_api_endpoint = var.domain_name != null
}

resource "aws_apigatewayv2_integration" "this" {
  api_id                 = aws_apigatewayv2_api.this.id
  integration_type       = "AWS_PROXY"
  integration_uri        = aws_lambda_alias.live.invoke_arn
  payload_format_version = "2.0"
  timeout_milliseconds   = min(var.timeout_seconds * 1000, 30000)
}

# Authentication is the application's (tokens checked in the handler); add a JWT or IAM
# authorizer here when the API is not public.
resource "aws_apigatewayv2_route" "default" {
  # checkov:skip=CKV_AWS_309: a public API; the application authenticates its callers itself
  api_id    = aws_apigatewayv2_api.this.id
  route_key = "$default"
  target    = "integrations/${aws_apigatewayv2_integration.this.id}"
}

resource "aws_apigatewayv2_stage" "default" {
  api_id      = aws_apigatewayv2_api.this.id
  name        = "$default"
  auto_deploy = true

  default_route_settings {
    detailed_metrics_enabled = true
    throttling_burst_limit   = var.throttling_burst_limit
    throttling_rate_limit    = var.throttling_rate_limit
  }

  access_log_settings {
    destination_arn = aws_cloudwatch_log_group.api.arn
    format = jsonencode({
      requestId          = "$context.requestId"
      ip                 = "$context.identity.sourceIp"
      requestTime        = "$context.requestTime"
      httpMethod         = "$context.httpMethod"
      path               = "$context.path"
      status             = "$context.status"
      responseLength     = "$context.responseLength"
      responseLatency    = "$context.responseLatency"
      integrationLatency = "$context.integrationLatency"
      integrationError   = "$context.integrationErrorMessage"
    })
  }
}

resource "aws_lambda_permission" "api" {
  statement_id  = "AllowHttpApi"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.this.function_name
  qualifier     = aws_lambda_alias.live.name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_apigatewayv2_api.this.execution_arn}/*/*"
}

resource "aws_apigatewayv2_domain_name" "this" {
  count = var.domain_name == null ? 0 : 1

  domain_name = var.domain_name

  domain_name_configuration {
    certificate_arn = var.certificate_arn
    endpoint_type   = "REGIONAL"
    security_policy = "TLS_1_2"
  }
}

resource "aws_apigatewayv2_api_mapping" "this" {
  count = var.domain_name == null ? 0 : 1

  api_id      = aws_apigatewayv2_api.this.id
  domain_name = aws_apigatewayv2_domain_name.this[0].id
  stage       = aws_apigatewayv2_stage.default.id
}

################################################################################
# Alarms and dashboard widgets
################################################################################

resource "aws_cloudwatch_metric_alarm" "api_5xx" {
  alarm_name          = "${var.name}-api-5xx"
  alarm_description   = "More than ${var.error_threshold} 5XX responses a minute from the ${var.name} API"
  namespace           = "AWS/ApiGateway"
  metric_name         = "5xx"
  dimensions          = { ApiId = aws_apigatewayv2_api.this.id, Stage = "$default" }
  statistic           = "Sum"
  period              = 60
  evaluation_periods  = 3
  datapoints_to_alarm = 2
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.error_threshold
  treat_missing_data  = "notBreaching"
  alarm_actions       = [var.alarm_topic_arn]
  ok_actions          = [var.alarm_topic_arn]
}

resource "aws_cloudwatch_metric_alarm" "api_latency" {
  alarm_name          = "${var.name}-api-latency-p95"
  alarm_description   = "p95 API latency above ${var.latency_threshold_ms} ms for 5 minutes on ${var.name}"
  namespace           = "AWS/ApiGateway"
  metric_name         = "Latency"
  dimensions          = { ApiId = aws_apigatewayv2_api.this.id, Stage = "$default" }
  extended_statistic  = "p95"
  period              = 60
  evaluation_periods  = 5
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.latency_threshold_ms
  treat_missing_data  = "notBreaching"
  alarm_actions       = [var.alarm_topic_arn]
  ok_actions          = [var.alarm_topic_arn]
}

resource "aws_cloudwatch_metric_alarm" "function_errors" {
  alarm_name          = "${var.name}-lambda-errors"
  alarm_description   = "More than ${var.error_threshold} failed invocations a minute of ${var.name}"
  namespace           = "AWS/Lambda"
  metric_name         = "Errors"
  dimensions          = { FunctionName = aws_lambda_function.this.function_name }
  statistic           = "Sum"
  period              = 60
  evaluation_periods  = 3
  datapoints_to_alarm = 2
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.error_threshold
  treat_missing_data  = "notBreaching"
  alarm_actions       = [var.alarm_topic_arn]
  ok_actions          = [var.alarm_topic_arn]
}

resource "aws_cloudwatch_metric_alarm" "function_throttles" {
  alarm_name          = "${var.name}-lambda-throttles"
  alarm_description   = "Invocations of ${var.name} throttled for 3 minutes: reserved concurrency is too low"
  namespace           = "AWS/Lambda"
  metric_name         = "Throttles"
  dimensions          = { FunctionName = aws_lambda_function.this.function_name }
  statistic           = "Sum"
  period              = 60
  evaluation_periods  = 3
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  treat_missing_data  = "notBreaching"
  alarm_actions       = [var.alarm_topic_arn]
  ok_actions          = [var.alarm_topic_arn]
}

locals {
  dashboard_widgets = [
    {
      type = "metric"
      properties = {
        title  = "API requests and errors"
        region = local.region
        stat   = "Sum"
        period = 60
        metrics = [
          ["AWS/ApiGateway", "Count", "ApiId", aws_apigatewayv2_api.this.id, "Stage", "$default"],
          ["AWS/ApiGateway", "4xx", "ApiId", aws_apigatewayv2_api.this.id, "Stage", "$default"],
          ["AWS/ApiGateway", "5xx", "ApiId", aws_apigatewayv2_api.this.id, "Stage", "$default"],
        ]
      }
    },
    {
      type = "metric"
      properties = {
        title  = "API latency (ms)"
        region = local.region
        period = 60
        metrics = [
          ["AWS/ApiGateway", "Latency", "ApiId", aws_apigatewayv2_api.this.id, "Stage", "$default", { stat = "p50" }],
          ["AWS/ApiGateway", "Latency", "ApiId", aws_apigatewayv2_api.this.id, "Stage", "$default", { stat = "p95" }],
        ]
      }
    },
    {
      type = "metric"
      properties = {
        title  = "Function errors, throttles and concurrency"
        region = local.region
        period = 60
        metrics = [
          ["AWS/Lambda", "Errors", "FunctionName", aws_lambda_function.this.function_name, { stat = "Sum" }],
          ["AWS/Lambda", "Throttles", "FunctionName", aws_lambda_function.this.function_name, { stat = "Sum" }],
          ["AWS/Lambda", "ConcurrentExecutions", "FunctionName", aws_lambda_function.this.function_name, { stat = "Maximum" }],
        ]
      }
    },
    {
      type = "metric"
      properties = {
        title  = "Function duration (ms)"
        region = local.region
        period = 60
        metrics = [
          ["AWS/Lambda", "Duration", "FunctionName", aws_lambda_function.this.function_name, { stat = "p50" }],
          ["AWS/Lambda", "Duration", "FunctionName", aws_lambda_function.this.function_name, { stat = "p95" }],
        ]
      }
    },
  ]
}
