/**
 * Chart.js with only the parts the dashboard draws (so the bundle stays small), and its colours
 * taken from the page's CSS variables, so the charts follow the light or dark theme as it changes.
 */
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Filler,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
} from 'chart.js';
import { onBeforeUnmount, onMounted, ref } from 'vue';

Chart.register(LineController, LineElement, PointElement, BarController, BarElement, CategoryScale, LinearScale, Tooltip, Legend, Filler);

export type ChartColors = { text: string; muted: string; grid: string; accent: string; accentSoft: string; danger: string; warning: string; focus: string };

function read(): ChartColors {
  const style = getComputedStyle(document.documentElement);
  const v = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  return {
    text: v('--text', '#1c2330'),
    muted: v('--text-muted', '#5b6474'),
    grid: v('--border', '#d9dde3'),
    accent: v('--accent', '#2f6f5e'),
    accentSoft: v('--accent-soft', '#e3f1ec'),
    danger: v('--danger-text', '#b42318'),
    warning: v('--warning-text', '#8a5a00'),
    focus: v('--focus', '#2563eb'),
  };
}

/** The theme's colours, updated when the system switches between light and dark. */
export function useChartColors() {
  const colors = ref<ChartColors>(read());
  const media = window.matchMedia('(prefers-color-scheme: dark)');
  const update = () => {
    colors.value = read();
  };
  onMounted(() => media.addEventListener('change', update));
  onBeforeUnmount(() => media.removeEventListener('change', update));
  return colors;
}
