/// The `API` module. See README.md for its place in the layering.
enum APIModule {}
