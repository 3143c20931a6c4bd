"""python-hcl2 as the reference HCL model the token scan (`infrascaffold.validate.hcl_scan`) is
tested against; test-only, no command imports it."""
