// Command stylecheck measures the non-test Go files of the module against
// the targets of the project's style: line widths, function lengths, doc
// comments on exported names and %w in fmt.Errorf. It reports figures and
// lists the worst offenders; it never fails a build.
//
//	go run ./scripts/stylecheck [DIR]
package main

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// report collects the measurements of every file.
type report struct {
	lines, over100, over120 int
	wide                    []string
	funcLens                []int
	long                    []string
	exported, documented    int
	undocumented            []string
	errorfs, wrapped        int
}

func main() {
	root := "."
	if len(os.Args) > 1 {
		root = os.Args[1]
	}

	var r report
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path != root && skipDir(d.Name()) {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		return r.file(path)
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "stylecheck:", err)
		os.Exit(1)
	}
	r.print()
}

// skipDir reports whether a folder holds no project source.
func skipDir(name string) bool {
	return name == "node_modules" || name == "tmp" || strings.HasPrefix(name, ".")
}

// file measures one source file.
func (r *report) file(path string) error {
	src, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("read %s: %w", path, err)
	}
	r.widths(path, string(src))

	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, src, parser.ParseComments)
	if err != nil {
		return fmt.Errorf("parse %s: %w", path, err)
	}
	r.decls(fset, path, f)
	r.errorf(f)
	return nil
}

// widths counts lines over 100 and 120 columns, a tab being 4.
func (r *report) widths(path, src string) {
	for i, line := range strings.Split(src, "\n") {
		r.lines++
		w := len(strings.ReplaceAll(line, "\t", "    "))
		if w > 100 {
			r.over100++
		}
		if w > 120 {
			r.over120++
			r.wide = append(r.wide, fmt.Sprintf("%s:%d (%d columns)", path, i+1, w))
		}
	}
}

// decls measures functions and doc comments of exported names.
func (r *report) decls(fset *token.FileSet, path string, f *ast.File) {
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			n := fset.Position(d.End()).Line - fset.Position(d.Pos()).Line + 1
			r.funcLens = append(r.funcLens, n)
			if n > 80 {
				r.long = append(r.long, fmt.Sprintf("%s %s (%d lines)", path, d.Name.Name, n))
			}
			if d.Name.IsExported() && (d.Recv == nil || exportedRecv(d.Recv)) {
				r.doc(path, d.Name.Name, d.Doc)
			}
		case *ast.GenDecl:
			r.genDecl(path, d)
		}
	}
}

// genDecl checks the doc comments of exported types, constants and
// variables; a comment on the group counts for its members.
func (r *report) genDecl(path string, d *ast.GenDecl) {
	for _, spec := range d.Specs {
		switch s := spec.(type) {
		case *ast.TypeSpec:
			if s.Name.IsExported() {
				r.doc(path, s.Name.Name, firstDoc(s.Doc, d.Doc))
			}
		case *ast.ValueSpec:
			for _, name := range s.Names {
				if name.IsExported() {
					r.doc(path, name.Name, firstDoc(s.Doc, d.Doc))
				}
			}
		}
	}
}

func (r *report) doc(path, name string, doc *ast.CommentGroup) {
	r.exported++
	if doc != nil && strings.TrimSpace(doc.Text()) != "" {
		r.documented++
		return
	}
	r.undocumented = append(r.undocumented, path+" "+name)
}

func firstDoc(docs ...*ast.CommentGroup) *ast.CommentGroup {
	for _, d := range docs {
		if d != nil {
			return d
		}
	}
	return nil
}

func exportedRecv(recv *ast.FieldList) bool {
	if len(recv.List) == 0 {
		return false
	}
	t := recv.List[0].Type
	if star, ok := t.(*ast.StarExpr); ok {
		t = star.X
	}
	if idx, ok := t.(*ast.IndexExpr); ok {
		t = idx.X
	}
	id, ok := t.(*ast.Ident)
	return ok && id.IsExported()
}

// errorf counts fmt.Errorf calls that wrap an error with %w.
func (r *report) errorf(f *ast.File) {
	ast.Inspect(f, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		sel, ok := call.Fun.(*ast.SelectorExpr)
		if !ok || sel.Sel.Name != "Errorf" || len(call.Args) < 2 {
			return true
		}
		if pkg, ok := sel.X.(*ast.Ident); !ok || pkg.Name != "fmt" {
			return true
		}
		r.errorfs++
		if lit, ok := call.Args[0].(*ast.BasicLit); ok && strings.Contains(lit.Value, "%w") {
			r.wrapped++
		}
		return true
	})
}

func (r *report) print() {
	sort.Ints(r.funcLens)
	pct := func(a, b int) float64 {
		if b == 0 {
			return 0
		}
		return 100 * float64(a) / float64(b)
	}
	at := func(q float64) int {
		if len(r.funcLens) == 0 {
			return 0
		}
		return r.funcLens[int(q*float64(len(r.funcLens)-1))]
	}

	fmt.Printf("lines over 100 / 120 columns: %.2f%% / %.2f%% of %d\n",
		pct(r.over100, r.lines), pct(r.over120, r.lines), r.lines)
	fmt.Printf("function length median / 90th percentile: %d / %d lines (%d functions)\n",
		at(0.5), at(0.9), len(r.funcLens))
	fmt.Printf("functions over 80 lines: %.1f%%\n", pct(len(r.long), len(r.funcLens)))
	fmt.Printf("exported names with a doc comment: %.1f%% of %d\n",
		pct(r.documented, r.exported), r.exported)
	fmt.Printf("fmt.Errorf calls wrapping with %%w: %.1f%% of %d (the others make new errors)\n",
		pct(r.wrapped, r.errorfs), r.errorfs)
	list("over 120 columns", r.wide)
	list("functions over 80 lines", r.long)
	list("exported names without a doc comment", r.undocumented)
}

func list(title string, items []string) {
	if len(items) == 0 {
		return
	}
	fmt.Printf("\n%s:\n", title)
	for _, it := range items {
		fmt.Println("  " + it)
	}
}
