print("sigv4-bench")
