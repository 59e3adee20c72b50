"""The Flask blueprints, one per part of the HTTP interface: /sparql, /queries and /healthz
(api), dereferenced IRIs (pages), /store and VoID (dataset), /export, the views, the query
page (home) and /admin."""
