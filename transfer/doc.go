// Package transfer imports users and groups into rollcall in bulk from CSV,
// JSON Lines and JSON array files, and exports them back out, streaming in
// both directions so memory stays flat whatever the file's size.
//
// # Rows
//
// JSON Lines and JSON array rows are objects shaped like the /identify
// body ("identifier", "properties", "groups" as objects or as identifiers)
// or like an export line, whose "createdAt", "updatedAt" and "memberCount"
// are skipped. Any other field rejects the row, so that properties put
// beside the identifier are not silently lost. Numbers keep their exact
// text and the server's limits apply.
//
// A CSV file starts with a header. Its identifier column (IDColumn,
// default "identifier") names the user; an optional GroupColumn makes the
// user a member of the group its cell names; every other column is a
// property, typed by its cell:
//
//   - an empty cell sends nothing: the property is left as it is;
//   - true and false are booleans;
//   - a plain decimal (-12, 0, 3.25) is a number, kept exactly as written;
//   - anything else is a string, as written: leading zeros ("007"), a plus
//     sign, exponents ("1e5") and the word null stay text;
//   - cells of TextColumns are always strings.
//
// A CSV export's header (identifier, groups, createdAt, updatedAt,
// properties) is recognised, and its groups and properties cells are read
// as the JSON they hold, so exports round-trip exactly.
//
// # Rejects, checkpoints and order
//
// A row that cannot be imported (bad identifier or value, wrong cell
// count, an item the store or server refuses) is written to the rejects
// file as a JSON line {"line", "reason", "row"}, and the rest of its batch
// is sent again without it. The checkpoint records the last row such that
// every row up to it was imported or rejected; with several batches in
// flight that is the contiguous prefix of finished batches. A crash
// between an acknowledgement and the checkpoint's write makes a resume send
// at most the batches that were in flight again, which is harmless:
// identifies are upserts. With Concurrency above 1, two rows for the same
// identifier in different batches may be applied in either order; import
// with Concurrency 1 when a file repeats identifiers and the last row must
// win.
//
// # Exports
//
// An export walks the users (or groups) in identifier order, a thousand at
// a time, and writes one line each: JSON Lines, or CSV with the groups and
// properties cells holding JSON (properties vary from user to user, and
// JSON keeps every value's type). Properties are written in key order.
package transfer
