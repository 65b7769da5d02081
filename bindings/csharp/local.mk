# C# binding (filled in by the C# issue).
