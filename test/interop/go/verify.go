// Command verify checks a Sluice audit log with the Go reference
// implementations of signed notes and RFC 6962 trees (golang.org/x/mod/sumdb).
//
// Usage: verify <input.json>
//
// The input holds a verifier key, a signed checkpoint, every entry of the log
// (index and base64 body), and optionally inclusion proofs for entries and a
// consistency proof from an older checkpoint. It exits 0 when the signature,
// the tree size and root recomputed from the entries, and every proof check
// out, and 1 (printing why) otherwise.
package main

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

type entry struct {
	Index int64  `json:"index"`
	Body  string `json:"body"`
}

type inclusion struct {
	Index int64    `json:"index"`
	Proof []string `json:"proof"`
}

type consistency struct {
	Size  int64    `json:"size"`
	Root  string   `json:"root"`
	Proof []string `json:"proof"`
}

type input struct {
	VerifierKey string       `json:"verifier_key"`
	Checkpoint  string       `json:"checkpoint"`
	Entries     []entry      `json:"entries"`
	Inclusion   []inclusion  `json:"inclusion_proofs"`
	Consistency *consistency `json:"consistency"`
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: verify <input.json>")
		os.Exit(2)
	}
	if err := run(os.Args[1]); err != nil {
		fmt.Println("FAIL:", err)
		os.Exit(1)
	}
	fmt.Println("OK")
}

func run(path string) error {
	raw, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var in input
	if err := json.Unmarshal(raw, &in); err != nil {
		return fmt.Errorf("input: %v", err)
	}

	verifier, err := note.NewVerifier(in.VerifierKey)
	if err != nil {
		return fmt.Errorf("verifier key: %v", err)
	}
	n, err := note.Open([]byte(in.Checkpoint), note.VerifierList(verifier))
	if err != nil {
		return fmt.Errorf("checkpoint signature: %v", err)
	}
	size, root, err := parseCheckpoint(n.Text)
	if err != nil {
		return err
	}
	if int64(len(in.Entries)) != size {
		return fmt.Errorf("checkpoint size %d but %d entries given", size, len(in.Entries))
	}

	var stored []tlog.Hash
	reader := tlog.HashReaderFunc(func(indexes []int64) ([]tlog.Hash, error) {
		out := make([]tlog.Hash, len(indexes))
		for i, x := range indexes {
			if x < 0 || x >= int64(len(stored)) {
				return nil, fmt.Errorf("hash %d not stored", x)
			}
			out[i] = stored[x]
		}
		return out, nil
	})
	bodies := make([][]byte, len(in.Entries))
	for i, e := range in.Entries {
		if e.Index != int64(i) {
			return fmt.Errorf("entry %d has index %d; entries must be in order", i, e.Index)
		}
		body, err := base64.StdEncoding.DecodeString(e.Body)
		if err != nil {
			return fmt.Errorf("entry %d body: %v", i, err)
		}
		bodies[i] = body
		hashes, err := tlog.StoredHashes(int64(i), body, reader)
		if err != nil {
			return err
		}
		stored = append(stored, hashes...)
	}
	treeHash, err := tlog.TreeHash(size, reader)
	if err != nil {
		return err
	}
	if treeHash != root {
		return fmt.Errorf("root mismatch: checkpoint %s, recomputed %s", root, treeHash)
	}

	for _, p := range in.Inclusion {
		if p.Index < 0 || p.Index >= size {
			return fmt.Errorf("inclusion proof index %d outside tree", p.Index)
		}
		proof, err := decodeHashes(p.Proof)
		if err != nil {
			return fmt.Errorf("inclusion proof %d: %v", p.Index, err)
		}
		if err := tlog.CheckRecord(tlog.RecordProof(proof), size, root, p.Index, tlog.RecordHash(bodies[p.Index])); err != nil {
			return fmt.Errorf("inclusion proof %d: %v", p.Index, err)
		}
	}

	if c := in.Consistency; c != nil {
		old, err := tlog.ParseHash(c.Root)
		if err != nil {
			return fmt.Errorf("consistency root: %v", err)
		}
		proof, err := decodeHashes(c.Proof)
		if err != nil {
			return fmt.Errorf("consistency proof: %v", err)
		}
		if err := tlog.CheckTree(tlog.TreeProof(proof), size, root, c.Size, old); err != nil {
			return fmt.Errorf("consistency proof from %d: %v", c.Size, err)
		}
	}
	return nil
}

// parseCheckpoint reads a c2sp.org/tlog-checkpoint body: origin, size, root,
// then optional extension lines.
func parseCheckpoint(text string) (int64, tlog.Hash, error) {
	lines := strings.Split(text, "\n")
	if len(lines) < 4 || lines[0] == "" {
		return 0, tlog.Hash{}, fmt.Errorf("checkpoint has fewer than three lines")
	}
	size, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil || size < 0 || strconv.FormatInt(size, 10) != lines[1] {
		return 0, tlog.Hash{}, fmt.Errorf("checkpoint size %q", lines[1])
	}
	root, err := tlog.ParseHash(lines[2])
	if err != nil {
		return 0, tlog.Hash{}, fmt.Errorf("checkpoint root: %v", err)
	}
	return size, root, nil
}

func decodeHashes(in []string) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(in))
	for i, s := range in {
		h, err := tlog.ParseHash(s)
		if err != nil {
			return nil, err
		}
		out[i] = h
	}
	return out, nil
}
