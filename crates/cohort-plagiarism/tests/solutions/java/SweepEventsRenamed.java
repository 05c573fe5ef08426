import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.util.ArrayList;
import java.util.List;
import java.util.StringTokenizer;

public class Main {
    record Endpoint(long x, int change) {}

    static List<Endpoint> load(BufferedReader br) throws IOException {
        int count = Integer.parseInt(br.readLine().trim());
        List<Endpoint> pts = new ArrayList<>(2 * count);
        for (int k = 0; k < count; k++) {
            StringTokenizer st = new StringTokenizer(br.readLine());
            long lo = Long.parseLong(st.nextToken());
            long hi = Long.parseLong(st.nextToken());
            pts.add(new Endpoint(lo, 1));
            pts.add(new Endpoint(hi, -1));
        }
        return pts;
    }

    static int order(Endpoint p, Endpoint q) {
        if (p.x() != q.x()) {
            return Long.compare(p.x(), q.x());
        }
        return Integer.compare(q.change(), p.change());
    }

    static int solve(List<Endpoint> pts) {
        pts.sort(Main::order);
        int cur = 0;
        int ans = 0;
        for (Endpoint pt : pts) {
            cur += pt.change();
            ans = Math.max(ans, cur);
        }
        return ans;
    }

    public static void main(String[] args) throws IOException {
        BufferedReader br = new BufferedReader(new InputStreamReader(System.in));
        List<Endpoint> pts = load(br);
        System.out.println(solve(pts));
    }
}
