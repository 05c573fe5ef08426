// TOO SLOW: multiplies the success probabilities of every stage of every query.
// O(n * q), about 10^10 multiplications on the largest test.
import java.io.*;
import java.util.*;

public class Main {
    public static void main(String[] args) throws IOException {
        BufferedReader br = new BufferedReader(new InputStreamReader(System.in), 1 << 16);
        StringTokenizer st = new StringTokenizer(br.readLine());
        int n = Integer.parseInt(st.nextToken());
        int q = Integer.parseInt(st.nextToken());
        double[] ok = new double[n + 1];
        st = new StringTokenizer(br.readLine());
        for (int i = 1; i <= n; i++) ok[i] = 1.0 - Double.parseDouble(st.nextToken());
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < q; k++) {
            st = new StringTokenizer(br.readLine());
            int l = Integer.parseInt(st.nextToken()), r = Integer.parseInt(st.nextToken());
            double prod = 1.0;
            for (int i = l; i <= r; i++) prod *= ok[i];
            sb.append(String.format(Locale.ROOT, "%.10f", 1.0 - prod)).append('\n');
        }
        System.out.print(sb);
    }
}
