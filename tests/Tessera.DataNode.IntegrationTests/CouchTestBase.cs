namespace Tessera.DataNode.IntegrationTests;

/// <summary>Gives each test a client of its class's server; tests create their own databases, so they never share state.</summary>
public abstract class CouchTestBase(TesseraServerFixture server) : IDisposable
{
    protected TesseraServerFixture Server => server;

    protected CouchClient Couch { get; } = server.CreateClient();

    public void Dispose()
    {
        Couch.Dispose();
        GC.SuppressFinalize(this);
    }
}
