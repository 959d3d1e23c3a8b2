"""Assets: local files and data: URIs, remote fetch, image normalising, SVG and formula rasterising, made covers."""
