"""The click definitions of each command group: they parse options and call `commands.<name>`.

`infrascaffold.cli` holds the root group and registers these. Each module imports only click
and the light option helpers; the command's own module is imported when the command runs, so
start-up (and every shell completion) stays fast.
"""
