// ListingImport
