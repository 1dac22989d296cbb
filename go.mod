module github.com/mp4pkg/mp4pkg

go 1.24

require (
	github.com/Eyevinn/mp4ff v0.56.0
	github.com/asticode/go-astisub v0.45.0
	github.com/grafov/m3u8 v0.12.1
	github.com/spf13/cobra v1.10.1
	golang.org/x/text v0.21.0
)

require (
	github.com/asticode/go-astikit v0.20.0 // indirect
	github.com/asticode/go-astits v1.8.0 // indirect
	github.com/inconshreveable/mousetrap v1.1.0 // indirect
	github.com/spf13/pflag v1.0.9 // indirect
	github.com/stretchr/testify v1.11.1 // indirect
	golang.org/x/net v0.0.0-20200904194848-62affa334b73 // indirect
)
