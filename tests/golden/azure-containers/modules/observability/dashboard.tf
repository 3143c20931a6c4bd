# The environment's Azure portal dashboard: the telemetry charts of this module, then the charts
# every module describes of its own signals (`dashboard_widgets`), two a row. Terraform writes the
# whole JSON: a chart added in the portal is overwritten by the next apply.
#
# azurerm 4.x sends it with the dashboards API 2019-01-01-preview, whose `lenses` and `parts` are
# objects keyed "0", "1"... (not the arrays of a portal export, which the provider refuses:
# hashicorp/terraform-provider-azurerm#27117, #27944). The provider keeps only the fields of that
# API's model (lens: order, parts, metadata; part: position, metadata) and stores the JSON
# normalized: this JSON holds those fields and nothing else, so a plan after an apply shows no diff.
locals {
  # The portal's metrics chart codes of each aggregation.
  chart_aggregations = { Sum = 1, Minimum = 2, Maximum = 3, Average = 4, Count = 7 }

  dashboard_charts = concat(local.telemetry_widgets, var.dashboard_widgets)

  dashboard_parts = {
    for index, widget in local.dashboard_charts : tostring(index) => {
      position = { x = (index % 2) * 6, y = floor(index / 2) * 4, colSpan = 6, rowSpan = 4 }
      metadata = {
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
      }
    }
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
