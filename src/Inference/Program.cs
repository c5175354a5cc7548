Console.WriteLine("wpai model server");
