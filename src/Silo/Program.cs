Console.WriteLine("wpai silo");
