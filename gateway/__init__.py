"""sparkwire.gateway."""
