Console.WriteLine("wpai");
