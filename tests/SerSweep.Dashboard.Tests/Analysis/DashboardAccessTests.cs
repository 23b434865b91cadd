using SerSweep.Dashboard.Access;

namespace SerSweep.Dashboard.Tests.Analysis;

public sealed class DashboardAccessTests
{
    [Theory]
    [InlineData("http://127.0.0.1:5080", true)]
    [InlineData("http://localhost:5080", true)]
    [InlineData("http://[::1]:5080", true)]
    [InlineData("https://127.0.0.2:443/", true)]
    [InlineData("http://0.0.0.0:5080", false)]
    [InlineData("http://[::]:5080", false)]
    [InlineData("http://*:5080", false)]
    [InlineData("http://+:5080", false)]
    [InlineData("http://192.168.1.10:5080", false)]
    [InlineData("http://dashboard.example:80", false)]
    public void Tells_loopback_addresses_apart(string address, bool loopback) =>
        Assert.Equal(loopback, DashboardAccess.IsLoopback(address));
}
