"""The one error `scanners.decode` raises for input it cannot use."""


class ImageError(ValueError):
    """Not a usable image: not an image at all, truncated, empty, too large, or of an unsupported pixel type."""
