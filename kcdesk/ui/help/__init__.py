"""The user guide inside the app (hướng dẫn sử dụng): F1 and Trợ giúp → Hướng dẫn sử dụng
open ``docs/huong-dan`` at the page of the screen the user is on, offline."""
