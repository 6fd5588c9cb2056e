// The attribution lightweight-charts' licence asks for, as a small text link under the chart
// instead of the logo on the chart (which covered data).
export function ChartAttribution() {
  return (
    <a href="https://www.tradingview.com/" target="_blank" rel="noopener noreferrer" className="shrink-0 text-mute hover:text-dim" title="Charts by TradingView Lightweight Charts™">
      charts: TradingView Lightweight Charts™
    </a>
  );
}
