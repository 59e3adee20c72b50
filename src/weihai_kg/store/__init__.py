"""Building the store and serving it: where builds live and how a store is opened (layout),
the read protocol every store meets (reading), the build itself (build), the snapshot being
served and switching builds (serving), and publishing a build to a remote server (publish)."""
