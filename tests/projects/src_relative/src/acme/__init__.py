"""The acme package, in a src/ layout."""
