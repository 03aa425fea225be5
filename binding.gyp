{
  "targets": [
    {
      "target_name": "pty",
      "sources": ["hal/serial/native/pty.c"],
      "cflags": ["-Wall", "-O2"]
    }
  ]
}
