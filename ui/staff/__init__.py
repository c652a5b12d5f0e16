"""Staff screens (工作人员): sign-in, the application queue, supplements, reprints, daily summary."""
