module playercheck

go 1.24

require (
	github.com/Eyevinn/mp4ff v0.56.0
	github.com/mp4pkg/mp4pkg v0.0.0
)

replace github.com/mp4pkg/mp4pkg => ../../../..
