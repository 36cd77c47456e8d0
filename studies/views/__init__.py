"""Browser pages. Thin: they call selectors and services and render templates."""
