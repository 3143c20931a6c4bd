# The environment's Azure portal dashboard: the telemetry charts of this module, then the charts
# every module describes of its own signals (`dashboard_widgets`), two a row. Terraform writes the
# whole JSON: a chart added in the portal is overwritten by the next apply.
#
# azurerm 4.x sends it with the dashboards API 2019-01-01-preview, whose `lenses` and `parts` are
# objects keyed "0", "1"... (not the arrays of a portal export, which the provider refuses:
# hashicorp/terraform-provider-azurerm#27117, #27944). The provider keeps only the fields of that
# API's model (lens: order, parts, metadata; part: position, metadata) and stores the JSON
# normalized: this JSON holds those fields and nothing else, so a plan after an apply shows no diff.
#
# A widget with a `query` is a Log Analytics chart (the portal's LogsDashboardPart: a KQL query
# run on `query_scope`, a workspace, its result drawn over TimeGenerated, its `query_value`
# column summed, split by `split_by`), for signals that are rows in a workspace rather than
# Azure Monitor metrics (Container Insights' pod inventory of an AKS workload).
locals {
  # The portal's metrics chart codes of each aggregation.
  chart_aggregations = { Sum = 1, Minimum = 2, Maximum = 3, Average = 4, Count = 7 }

  dashboard_charts = concat(local.telemetry_widgets, var.dashboard_widgets)

  dashboard_parts = {
    for index, widget in local.dashboard_charts : tostring(index) => {
      position = { x = (index % 2) * 6, y = floor(index / 2) * 4, colSpan = 6, rowSpan = 4 }
      # (through JSON: a conditional's two results must have one type, and these two differ)
      metadata = jsondecode(try(widget.query, "") != "" ? jsonencode(local.query_parts[tostring(index)]) : jsonencode({
        type = "Extension/HubsExtension/PartType/MonitorChartPart"
        inputs = [
          { name = "options", isOptional = true },
          { name = "sharedTimeRange", isOptional = true },
        ]
        settings = {
          content = {
            options = {
              chart = merge(
                {
                  title     = widget.title
                  titleKind = 2
                  metrics = [
                    for metric in widget.metrics : {
                      resourceMetadata    = { id = metric.resource_id }
                      namespace           = metric.namespace
                      name                = metric.name
                      aggregationType     = local.chart_aggregations[metric.aggregation]
                      metricVisualization = { displayName = metric.display_name }
                    }
                  ]
                  visualization = { chartType = 2 }
                },
                # Split by a dimension (status class, execution state...) when the widget has one.
                { for dimension in compact([widget.split_by]) : "grouping" => { dimension = dimension, sort = 2, top = 10 } },
              )
            }
          }
        }
      }))
    }
  }

  # The Log Analytics charts' part metadata (only widgets with a query; by part index).
  query_parts = {
    for index, widget in local.dashboard_charts : tostring(index) => {
      type = "Extension/Microsoft_OperationsManagementSuite_Workspace/PartType/LogsDashboardPart"
      inputs = [
        { name = "Scope", value = { resourceIds = [widget.query_scope] } },
        { name = "PartId", value = uuidv5("url", "${widget.query_scope}/${widget.title}") },
        { name = "Version", value = "2.0" },
        { name = "Query", value = widget.query },
        { name = "ControlType", value = "FrameControlChart" },
        { name = "SpecificChart", value = "Line" },
        { name = "PartTitle", value = widget.title },
        {
          name = "Dimensions"
          value = {
            xAxis       = { name = "TimeGenerated", type = "datetime" }
            yAxis       = [{ name = widget.query_value, type = "long" }]
            splitBy     = [for dimension in compact([widget.split_by]) : { name = dimension, type = "string" }]
            aggregation = "Sum"
          }
        },
        { name = "LegendOptions", value = { isEnabled = true, position = "Bottom" } },
      ]
    } if try(widget.query, "") != ""
  }

  dashboard_properties = jsonencode({
    lenses = { "0" = { order = 0, parts = local.dashboard_parts } }
    metadata = {
      model = {
        timeRange = {
          type  = "MsPortalFx.Composition.Configuration.ValueTypes.TimeRange"
          value = { relative = { duration = 24, timeUnit = 1 } }
        }
      }
    }
  })
}
