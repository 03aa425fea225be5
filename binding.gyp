{
  "targets": [
    {
      "target_name": "pty",
      "sources": ["hal/serial/native/pty.c"],
      "cflags": ["-Wall", "-O2"]
    },
    {
      "target_name": "gpiochip",
      "sources": ["hal/gpio/native/gpiochip.c"],
      "cflags": ["-Wall", "-O2"]
    },
    {
      "target_name": "codecs",
      "sources": ["hal/codecs/native/codecs.c"],
      "cflags": ["-Wall", "-O2"],
      "libraries": ["-ldl"]
    }
  ]
}
