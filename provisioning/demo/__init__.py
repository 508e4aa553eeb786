"""The Đắk Hà demo: facts in `data`, the builder that provisions and fills the sites in `builder`."""
