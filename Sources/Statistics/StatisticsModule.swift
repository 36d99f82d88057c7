/// Statistical tests for drift and live scoring: KS, PSI, Benjamini–Hochberg, Wilson, Diebold–Mariano.
enum StatisticsModule {}
