var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddTesseraGatewayPolicies();
builder.AddTesseraGateway();

var app = builder.Build();

app.UseTesseraGatewayPolicies();
app.MapDefaultEndpoints();
app.MapTesseraGateway();

app.Run();

/// <summary>Entry point; public so integration tests can start the real gateway.</summary>
public partial class Program;
