// Test helpers shared by every test target.
