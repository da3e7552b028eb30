"""Kedro datasets for glassbox's own objects, one module each (referenced by type in
conf/base/catalog.yml). One module per dataset keeps each DVC stage's code dependencies
to the datasets it really uses."""
