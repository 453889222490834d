"""Great Expectations suites as code, one module per mart group, and the runner that applies them."""
