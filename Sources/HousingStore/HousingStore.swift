// HousingStore
