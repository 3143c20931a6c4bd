"""Monthly cost estimates of a render: the pack's cost model × its list prices (pure)."""
