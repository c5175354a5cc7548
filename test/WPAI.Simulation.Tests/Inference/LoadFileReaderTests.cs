using WPAI.Simulation.Inference;

namespace WPAI.Simulation.Tests.Inference;

public sealed class LoadFileReaderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("wpai-load-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void Read_Nab_FindsStepAndFillsGapsLinearly()
    {
        var path = Write("a.csv", "timestamp,value\n2014-04-10 00:00:00,10\n2014-04-10 00:05:00,20\n2014-04-10 00:15:00,40\n2014-04-10 00:20:00,50\n");
        var s = LoadFileReader.Read(path);
        Assert.Equal(TimeSpan.FromMinutes(5), s.Step);
        Assert.Equal([10.0, 20, 30, 40, 50], s.Values);
        Assert.Equal(288, s.StepsPerDay);
        Assert.Equal("a", s.Name);
    }

    [Fact]
    public void Read_Alibaba_SumsContainerMeansPerMinute()
    {
        var path = Write(
            "b.csv",
            "timestamp_anon,value,container_ip,request_type\n0,1.0,c1,Gen\n30,3.0,c1,Gen\n10,5.0,c2,Gen\n60,4.0,c1,Gen\n");
        var s = LoadFileReader.Read(path);
        Assert.Equal(TimeSpan.FromMinutes(1), s.Step);
        Assert.Equal([7.0, 4.0], s.Values); // minute 0: mean(1,3) + 5; minute 1: 4
    }

    [Fact]
    public void Read_Azure_CountsRequestsPerMinuteAsQps()
    {
        var path = Write(
            "c.csv",
            "TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:15:46.6805900,374,44\n2023-11-16 18:15:50.9951690,396,109\n2023-11-16 18:17:01.0000000,1,1\n");
        var s = LoadFileReader.Read(path);
        Assert.Equal(3, s.Count);
        Assert.Equal(2.0 / 60, s.Values[0], 9);
        Assert.Equal(0, s.Values[1]);
        Assert.Equal(1.0 / 60, s.Values[2], 9);
    }

    [Fact]
    public void Read_RejectsUnknownHeader_NamingFileLineAndFormats()
    {
        var path = Write("d.csv", "time,qps\n1,2\n");
        var e = Assert.Throws<LoadFileException>(() => LoadFileReader.Read(path));
        Assert.Equal(1, e.Line);
        Assert.Contains("d.csv:1:1", e.Message, StringComparison.Ordinal);
        Assert.Contains("timestamp,value", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_RejectsBadValue_WithLineAndColumn()
    {
        var path = Write("e.csv", "timestamp,value\n2014-04-10 00:00:00,10\n2014-04-10 00:05:00,abc\n");
        var e = Assert.Throws<LoadFileException>(() => LoadFileReader.Read(path));
        Assert.Equal(3, e.Line);
        Assert.Equal(21, e.Column);
        Assert.Contains("'abc' is not a non-negative number", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_RejectsBadTimestamp()
    {
        var path = Write("f.csv", "timestamp,value\nyesterday,10\n2014-04-10 00:05:00,1\n");
        var e = Assert.Throws<LoadFileException>(() => LoadFileReader.Read(path));
        Assert.Equal(2, e.Line);
        Assert.Contains("yyyy-MM-dd HH:mm:ss", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_RealNycTaxi_Is30MinuteSteps()
    {
        var path = SharedData.Load("nyc_taxi.csv");
        var s = LoadFileReader.Read(path);
        Assert.Equal(TimeSpan.FromMinutes(30), s.Step);
        Assert.Equal(10320, s.Count);
    }
}
