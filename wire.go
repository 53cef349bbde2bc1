package rollcall

// UserJSON is a user as the read endpoints answer it and as an export
// writes it: properties always an object, groups always an array, times in
// TimeFormat.
type UserJSON struct {
	Identifier string     `json:"identifier"`
	Properties Properties `json:"properties"`
	Groups     []string   `json:"groups"`
	CreatedAt  string     `json:"createdAt"`
	UpdatedAt  string     `json:"updatedAt"`
}

// GroupJSON is a group as the read endpoints answer it and as an export
// writes it.
type GroupJSON struct {
	Identifier  string     `json:"identifier"`
	Properties  Properties `json:"properties"`
	MemberCount int        `json:"memberCount"`
	CreatedAt   string     `json:"createdAt"`
	UpdatedAt   string     `json:"updatedAt"`
}

// NewUserJSON returns the wire form of u; nil properties and groups become
// {} and [] rather than null.
func NewUserJSON(u User) UserJSON {
	out := UserJSON{
		Identifier: u.Identifier,
		Properties: u.Properties,
		Groups:     u.Groups,
		CreatedAt:  FormatTime(u.CreatedAt),
		UpdatedAt:  FormatTime(u.UpdatedAt),
	}
	if out.Properties == nil {
		out.Properties = Properties{}
	}
	if out.Groups == nil {
		out.Groups = []string{}
	}
	return out
}

// NewGroupJSON returns the wire form of g; nil properties become {}.
func NewGroupJSON(g Group) GroupJSON {
	out := GroupJSON{
		Identifier:  g.Identifier,
		Properties:  g.Properties,
		MemberCount: g.MemberCount,
		CreatedAt:   FormatTime(g.CreatedAt),
		UpdatedAt:   FormatTime(g.UpdatedAt),
	}
	if out.Properties == nil {
		out.Properties = Properties{}
	}
	return out
}
