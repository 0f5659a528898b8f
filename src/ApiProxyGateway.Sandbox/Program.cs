System.Console.WriteLine("sandbox");
