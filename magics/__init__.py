"""sparkwire.magics."""
