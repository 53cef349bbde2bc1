package transfer

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// CheckpointSuffix is added to an import file's name to name its
// checkpoint file.
const CheckpointSuffix = ".rollcall-progress"

// Checkpoint is what a checkpoint file records.
type Checkpoint struct {
	// Acknowledged is the last row such that every row up to it was
	// imported or rejected.
	Acknowledged int `json:"acknowledged"`
	// Line is where that row starts in the file (its position in a JSON
	// array); zero when unknown, as in checkpoints of older versions. A
	// resume keeps the rejects of rows up to this line and drops the rest,
	// which it will reject again.
	Line int `json:"line,omitempty"`
}

// SaveCheckpoint records c in the checkpoint file at path. It writes a
// new file and renames it over the old, so a crash leaves one or the
// other. A crash between an acknowledgement and this write makes a resume
// send at most the batches that were in flight again; identifies are
// upserts, so that changes nothing.
func SaveCheckpoint(path string, c Checkpoint) error {
	data, err := json.Marshal(c)
	if err != nil {
		return fmt.Errorf("encode checkpoint: %w", err)
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, append(data, '\n'), 0o644); err != nil {
		return fmt.Errorf("write checkpoint: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("replace checkpoint: %w", err)
	}
	return nil
}

// LoadCheckpoint reads a checkpoint file; a missing file records nothing.
func LoadCheckpoint(path string) (Checkpoint, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return Checkpoint{}, nil
	}
	if err != nil {
		return Checkpoint{}, fmt.Errorf("read checkpoint: %w", err)
	}

	var c Checkpoint
	if err := json.Unmarshal(data, &c); err != nil {
		return Checkpoint{}, fmt.Errorf("read checkpoint %s: %w", path, err)
	}
	return c, nil
}
