"""What every page of the site shares below the apps: a form that failed kept across
POST-redirect-GET, and the banner that names its fields (DESIGN.md, "Layers": the ground)."""
