// Package fuzz holds the fuzz targets that cross packages: bytes that
// isobmff accepts must never make the packager panic or hang.
package fuzz
