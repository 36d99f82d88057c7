/// The `Storage` module. See README.md for its place in the layering.
enum StorageModule {}
