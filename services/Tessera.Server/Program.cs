using Tessera.DataNode;
using Tessera.Server.Hosting;

var builder = WebApplication.CreateBuilder(args);
// Tessera:Roles: data, identity, or both (embedded mode, the default). See Hosting/ServerRoles.cs.
var roles = ServerRoles.From(builder.Configuration);

builder.AddServiceDefaults();
if (roles.Data)
{
    builder.AddTesseraStorageFromConfiguration();
    builder.AddTesseraSilo();
    builder.AddTesseraDataNode();
    builder.AddTesseraReplication();
}

if (roles.Identity)
{
    builder.AddTesseraIdentity();
}
else
{
    // A data node without identity still accepts API keys (HTTP Basic), checked against the shared identity tables.
    builder.AddTesseraApiKeyVerification();
}

var app = builder.Build();

// The data API authenticates per endpoint and never reads HttpContext.User; only identity pages and OAuth endpoints need
// the authentication middleware.
app.UseAuthenticationWhere(static http => !DataApiPaths.Contains(http.Request.Path));
app.MapDefaultEndpoints();
if (roles.Data)
{
    app.MapTesseraDataNode().MapTesseraReplication();
}

if (roles.Identity)
{
    app.MapTesseraIdentity();
}

app.Run();

/// <summary>Entry point; public so integration tests can start the real host.</summary>
public partial class Program;
