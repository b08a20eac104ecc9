// Command trivy-db makes Trivy's two databases from the project's YAML fixtures, as Trivy's own tests make theirs
// (internal/dbtest: bolt-fixtures into trivy.db, trivy-db's metadata client for metadata.json; trivy-java-db's
// pkg/db for the Java index), and pushes them to a registry as the one-layer OCI artifacts Trivy downloads.
//
//	trivy-db build --fixtures DIR --java-fixtures FILE --out DIR [--large N] [--updated-at T] [--next-update T]
//	trivy-db push --out DIR --db REF --java-db REF [--plain-http]
//	trivy-db jar --out FILE
//
// Test tooling only: the DBs hold what the fixtures say, nothing from the public ones.
package main

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	fixtures "github.com/aquasecurity/bolt-fixtures"
	trivydb "github.com/aquasecurity/trivy-db/pkg/db"
	"github.com/aquasecurity/trivy-db/pkg/metadata"
	javadb "github.com/aquasecurity/trivy-java-db/pkg/db"
	javatypes "github.com/aquasecurity/trivy-java-db/pkg/types"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/partial"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/static"
	"github.com/google/go-containerregistry/pkg/v1/types"
	"gopkg.in/yaml.v3"
	_ "modernc.org/sqlite" // the driver trivy-java-db opens its index with, as in Trivy's binary
)

// What Trivy 0.74 accepts (pkg/db/db.go, pkg/javadb/client.go, pkg/oci/artifact.go): one layer of this media type,
// its file name in the title annotation, a tar.gz unpacked into the DB's folder.
// The manifest around it is as the published DBs have it (see artifact below).
const (
	dbLayerType       = "application/vnd.aquasec.trivy.db.layer.v1.tar+gzip"
	javaDBLayerType   = "application/vnd.aquasec.trivy.javadb.layer.v1.tar+gzip"
	artifactType      = "application/vnd.aquasec.trivy.config.v1+json"
	emptyConfigType   = "application/vnd.oci.empty.v1+json"
	titleAnnotation   = "org.opencontainers.image.title"
	createdAnnotation = "org.opencontainers.image.created"
)

var emptyJSON = []byte("{}")

func main() {
	if len(os.Args) < 2 {
		fail("usage: trivy-db build|push|jar ...")
	}
	var err error
	switch os.Args[1] {
	case "build":
		err = build(os.Args[2:])
	case "push":
		err = push(os.Args[2:])
	case "jar":
		err = jar(os.Args[2:])
	default:
		err = fmt.Errorf("unknown command %q (build, push, jar)", os.Args[1])
	}
	if err != nil {
		fail(err.Error())
	}
}

func fail(message string) {
	fmt.Fprintln(os.Stderr, "trivy-db:", message)
	os.Exit(1)
}

func build(args []string) error {
	fs := flag.NewFlagSet("build", flag.ExitOnError)
	fixtureDir := fs.String("fixtures", "", "folder of bolt-fixtures YAML files (buckets as Trivy's DB lays them out)")
	javaFixtures := fs.String("java-fixtures", "", "YAML list of JARs for the Java DB")
	out := fs.String("out", "", "output folder")
	large := fs.Int("large", 0, "also this many generated LOW advisories for zlib in alpine 3.20")
	updatedAt := fs.String("updated-at", "", "UpdatedAt (RFC 3339; default now)")
	nextUpdate := fs.String("next-update", "", "NextUpdate (RFC 3339; default UpdatedAt + 24h)")
	_ = fs.Parse(args)
	if *fixtureDir == "" || *javaFixtures == "" || *out == "" {
		return fmt.Errorf("build needs --fixtures, --java-fixtures and --out")
	}
	updated, next, err := times(*updatedAt, *nextUpdate)
	if err != nil {
		return err
	}
	files, err := filepath.Glob(filepath.Join(*fixtureDir, "*.yaml"))
	if err != nil || len(files) == 0 {
		return fmt.Errorf("no *.yaml in %s", *fixtureDir)
	}
	if err := os.RemoveAll(*out); err != nil {
		return err
	}
	dbDir := filepath.Join(*out, "db")
	if err := os.MkdirAll(dbDir, 0o755); err != nil {
		return err
	}
	if *large > 0 {
		generated := filepath.Join(*out, "large.yaml")
		if err := writeLarge(generated, *large); err != nil {
			return err
		}
		files = append(files, generated)
		defer os.Remove(generated)
	}

	// The vulnerability DB: fixtures loaded by bolt-fixtures into trivy.db, then metadata.json by trivy-db's client.
	loader, err := fixtures.New(trivydb.Path(dbDir), files)
	if err != nil {
		return fmt.Errorf("opening %s: %w", trivydb.Path(dbDir), err)
	}
	if err := loader.Load(); err != nil {
		loader.Close()
		return fmt.Errorf("loading the fixtures: %w", err)
	}
	if err := loader.Close(); err != nil {
		return err
	}
	// As published: DownloadedAt stays zero; Trivy sets it when it downloads the DB.
	if err := metadata.NewClient(dbDir).Update(metadata.Metadata{
		Version: trivydb.SchemaVersion, NextUpdate: next, UpdatedAt: updated,
	}); err != nil {
		return fmt.Errorf("metadata.json: %w", err)
	}

	// The Java DB: an index of JARs by SHA-1, made with trivy-java-db's own package.
	javaDir := filepath.Join(*out, "java-db")
	if err := buildJavaDB(javaDir, *javaFixtures, updated, next); err != nil {
		return err
	}

	if err := tarGz(filepath.Join(*out, "db.tar.gz"), dbDir, "trivy.db", "metadata.json"); err != nil {
		return err
	}
	if err := tarGz(filepath.Join(*out, "javadb.tar.gz"), javaDir, "trivy-java.db", "metadata.json"); err != nil {
		return err
	}
	fmt.Printf("built %s (%d fixture files) and %s\n", dbDir, len(files), javaDir)
	return nil
}

func times(updatedAt, nextUpdate string) (time.Time, time.Time, error) {
	updated := time.Now().UTC().Truncate(time.Second)
	if updatedAt != "" {
		t, err := time.Parse(time.RFC3339, updatedAt)
		if err != nil {
			return updated, updated, fmt.Errorf("--updated-at: %w", err)
		}
		updated = t
	}
	next := updated.Add(24 * time.Hour)
	if nextUpdate != "" {
		t, err := time.Parse(time.RFC3339, nextUpdate)
		if err != nil {
			return updated, next, fmt.Errorf("--next-update: %w", err)
		}
		next = t
	}
	return updated, next, nil
}

// javaEntry is one JAR of the Java fixtures.
type javaEntry struct {
	GroupID    string `yaml:"group_id"`
	ArtifactID string `yaml:"artifact_id"`
	Version    string `yaml:"version"`
	SHA1       string `yaml:"sha1"`
	Type       string `yaml:"type"`
}

func buildJavaDB(dir, fixtureFile string, updated, next time.Time) error {
	raw, err := os.ReadFile(fixtureFile)
	if err != nil {
		return err
	}
	var entries []javaEntry
	if err := yaml.Unmarshal(raw, &entries); err != nil {
		return fmt.Errorf("%s: %w", fixtureFile, err)
	}
	indexes := make([]javatypes.Index, 0, len(entries))
	for _, e := range entries {
		sum, err := hex.DecodeString(e.SHA1)
		if err != nil || len(sum) != 20 {
			return fmt.Errorf("%s: %s:%s has no 40-digit sha1", fixtureFile, e.GroupID, e.ArtifactID)
		}
		kind := javatypes.ArchiveType(e.Type)
		if kind == "" {
			kind = javatypes.JarType
		}
		indexes = append(indexes, javatypes.Index{
			GroupID: e.GroupID, ArtifactID: e.ArtifactID, Version: e.Version, SHA1: sum, ArchiveType: kind,
		})
	}
	db, err := javadb.New(dir)
	if err != nil {
		return err
	}
	if err := db.Init(); err != nil {
		db.Close()
		return err
	}
	if err := db.InsertIndexes(indexes); err != nil {
		db.Close()
		return err
	}
	if err := db.Close(); err != nil {
		return err
	}
	meta := javadb.NewMetadata(dir)
	return meta.Update(javadb.Metadata{Version: javadb.SchemaVersion, NextUpdate: next, UpdatedAt: updated})
}

// writeLarge writes n generated advisories for zlib in alpine 3.20, each LOW, as a bolt-fixtures file.
func writeLarge(file string, n int) error {
	var b bytes.Buffer
	b.WriteString("- bucket: alpine 3.20\n  pairs:\n    - bucket: zlib\n      pairs:\n")
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "        - key: CVE-2099-%05d\n          value:\n            FixedVersion: 9.9.9-r0\n", i)
	}
	b.WriteString("- bucket: vulnerability\n  pairs:\n")
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "    - key: CVE-2099-%05d\n      value:\n        Title: generated advisory %d\n        Severity: LOW\n        VendorSeverity:\n          alpine: 1\n", i, i)
	}
	return os.WriteFile(file, b.Bytes(), 0o644)
}

// tarGz packs the named files of dir at the archive's root, as Trivy unpacks them into its cache folder.
func tarGz(target, dir string, names ...string) error {
	f, err := os.Create(target)
	if err != nil {
		return err
	}
	defer f.Close()
	gz := gzip.NewWriter(f)
	tw := tar.NewWriter(gz)
	for _, n := range names {
		data, err := os.ReadFile(filepath.Join(dir, n))
		if err != nil {
			return err
		}
		if err := tw.WriteHeader(&tar.Header{Name: n, Mode: 0o644, Size: int64(len(data)), ModTime: time.Unix(0, 0)}); err != nil {
			return err
		}
		if _, err := tw.Write(data); err != nil {
			return err
		}
	}
	if err := tw.Close(); err != nil {
		return err
	}
	return gz.Close()
}

func push(args []string) error {
	fs := flag.NewFlagSet("push", flag.ExitOnError)
	out := fs.String("out", "", "the folder build wrote")
	dbRef := fs.String("db", "", "where the DB goes, e.g. localhost:5000/trivy-fixtures/trivy-db:2")
	javaRef := fs.String("java-db", "", "where the Java DB goes, e.g. localhost:5000/trivy-fixtures/trivy-java-db:1")
	plainHTTP := fs.Bool("plain-http", false, "plain http for any registry (go-containerregistry already uses it for localhost and 127.0.0.1)")
	_ = fs.Parse(args)
	if *out == "" || *dbRef == "" || *javaRef == "" {
		return fmt.Errorf("push needs --out, --db and --java-db")
	}
	var opts []name.Option
	if *plainHTTP {
		opts = append(opts, name.Insecure)
	}
	for _, a := range []struct{ file, metadata, ref, layerType string }{
		{"db.tar.gz", "db/metadata.json", *dbRef, dbLayerType},
		{"javadb.tar.gz", "java-db/metadata.json", *javaRef, javaDBLayerType},
	} {
		ref, err := name.ParseReference(a.ref, opts...)
		if err != nil {
			return err
		}
		img, err := newArtifact(filepath.Join(*out, a.file), filepath.Join(*out, a.metadata), a.layerType)
		if err != nil {
			return err
		}
		if err := remote.Write(ref, img); err != nil {
			return fmt.Errorf("pushing %s to %s: %w", a.file, a.ref, err)
		}
		digest, err := img.Digest()
		if err != nil {
			return err
		}
		fmt.Printf("pushed %s@%s\n", a.ref, digest)
	}
	return nil
}

// artifact is one DB as the release workflows of trivy-db and trivy-java-db publish it, with
// `oras push --artifact-type application/vnd.aquasec.trivy.config.v1+json FILE:LAYERTYPE` (ORAS 1.2 in trivy-db's):
// an OCI image manifest with that artifactType, the empty JSON object as its config (ORAS's empty descriptor), one
// layer titled with the file's name, and the creation time. Trivy reads only the single layer, its media type and
// its title annotation; the rest is for registries and tools that copy such artifacts.
type artifact struct {
	manifest []byte
	layer    v1.Layer
}

func newArtifact(file, metadataFile, layerType string) (v1.Image, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	// The creation time is the DB's UpdatedAt, so pushing the same build again gives the same digest.
	raw, err := os.ReadFile(metadataFile)
	if err != nil {
		return nil, err
	}
	var meta struct{ UpdatedAt time.Time }
	if err := json.Unmarshal(raw, &meta); err != nil {
		return nil, fmt.Errorf("%s: %w", metadataFile, err)
	}
	layer := static.NewLayer(data, types.MediaType(layerType))
	layerDigest, err := layer.Digest()
	if err != nil {
		return nil, err
	}
	configDigest, _, err := v1.SHA256(bytes.NewReader(emptyJSON))
	if err != nil {
		return nil, err
	}
	manifest, err := json.Marshal(v1.Manifest{
		SchemaVersion: 2,
		MediaType:     types.OCIManifestSchema1,
		ArtifactType:  artifactType,
		Config: v1.Descriptor{
			MediaType: emptyConfigType, Digest: configDigest, Size: int64(len(emptyJSON)), Data: emptyJSON,
		},
		Layers: []v1.Descriptor{{
			MediaType: types.MediaType(layerType), Digest: layerDigest, Size: int64(len(data)),
			Annotations: map[string]string{titleAnnotation: filepath.Base(file)},
		}},
		Annotations: map[string]string{createdAnnotation: meta.UpdatedAt.UTC().Format(time.RFC3339)},
	})
	if err != nil {
		return nil, err
	}
	return partial.CompressedToImage(&artifact{manifest: manifest, layer: layer})
}

func (a *artifact) MediaType() (types.MediaType, error) { return types.OCIManifestSchema1, nil }
func (a *artifact) RawManifest() ([]byte, error)        { return a.manifest, nil }
func (a *artifact) RawConfigFile() ([]byte, error)      { return emptyJSON, nil }

func (a *artifact) LayerByDigest(h v1.Hash) (partial.CompressedLayer, error) {
	if d, err := a.layer.Digest(); err == nil && d == h {
		return a.layer, nil
	}
	return nil, fmt.Errorf("no blob %s in this artifact", h)
}

// jar writes a small JAR that names no package (a manifest with its version only, no pom.properties, one entry that
// is not a class Trivy reads): Trivy can identify it only by its SHA-1. Fixed times, so its bytes never change.
func jar(args []string) error {
	fs := flag.NewFlagSet("jar", flag.ExitOnError)
	out := fs.String("out", "", "the JAR to write")
	_ = fs.Parse(args)
	if *out == "" {
		return fmt.Errorf("jar needs --out")
	}
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	stamp := time.Date(2021, 12, 1, 0, 0, 0, 0, time.UTC)
	for _, entry := range []struct{ name, body string }{
		{"META-INF/MANIFEST.MF", "Manifest-Version: 1.0\r\nCreated-By: multistage-action test fixtures\r\n\r\n"},
		{"app/README.txt", "A stand-in archive: the Java DB of the tests says which artifact has this SHA-1.\n"},
	} {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: entry.name, Method: zip.Deflate, Modified: stamp})
		if err != nil {
			return err
		}
		if _, err := io.WriteString(w, entry.body); err != nil {
			return err
		}
	}
	if err := zw.Close(); err != nil {
		return err
	}
	return os.WriteFile(*out, b.Bytes(), 0o644)
}
