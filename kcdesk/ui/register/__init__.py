"""The proposal register (sổ đăng ký đề án): lazy table model, filters, dialogs."""
