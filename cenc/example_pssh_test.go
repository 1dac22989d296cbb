package cenc_test

import (
	"fmt"
	"log"

	"github.com/mp4pkg/mp4pkg/cenc"
)

// Build the pssh boxes of one KID for cbcs, for the systems of
// --drm widevine,playready,clearkey,fairplay, and print them as a DASH
// manifest needs them. FairPlay gives no box: it is signalled in HLS.
func ExamplePSSHBoxes() {
	key, err := cenc.ParseKeySpec("a7e61c373e219033c21091fa607bf3b8:76a6c65c5ea762046bd749a2e632ccbb")
	if err != nil {
		log.Fatal(err)
	}
	drms, err := cenc.ParseDRMList("widevine,playready,clearkey,fairplay")
	if err != nil {
		log.Fatal(err)
	}
	boxes, err := cenc.PSSHBoxes([]cenc.KeySpec{key}, cenc.PSSHOptions{Scheme: cenc.CBCS, Systems: drms})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("key:", key) // the KID only
	for _, b := range boxes {
		fmt.Printf("urn:uuid:%s version %d\n", cenc.SystemID(b.SystemID), b.Version)
		if cenc.SystemID(b.SystemID) == cenc.PlayReadySystem {
			info, err := cenc.ParsePlayReadyObject(b.Data)
			if err != nil {
				log.Fatal(err)
			}
			fmt.Println(" ", info.XML)
			continue
		}
		b64, err := cenc.PSSHBase64(b)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(" ", b64)
	}
	// Output:
	// key: a7e61c37-3e21-9033-c210-91fa607bf3b8
	// urn:uuid:edef8ba9-79d6-4ace-a3c8-27dcd51d21ed version 0
	//   AAAAOHBzc2gAAAAA7e+LqXnWSs6jyCfc1R0h7QAAABgSEKfmHDc+IZAzwhCR+mB787hI88aJmwY=
	// urn:uuid:9a04f079-9840-4286-ab92-e65be0885f95 version 0
	//   <WRMHEADER xmlns="http://schemas.microsoft.com/DRM/2007/03/PlayReadyHeader" version="4.3.0.0"><DATA><PROTECTINFO><KIDS><KID ALGID="AESCBC" VALUE="NxzmpyE+M5DCEJH6YHvzuA=="></KID></KIDS></PROTECTINFO></DATA></WRMHEADER>
	// urn:uuid:1077efec-c0b2-4d02-ace3-3c1e52e2fb4b version 1
	//   AAAANHBzc2gBAAAAEHfv7MCyTQKs4zweUuL7SwAAAAGn5hw3PiGQM8IQkfpge/O4AAAAAA==
}
