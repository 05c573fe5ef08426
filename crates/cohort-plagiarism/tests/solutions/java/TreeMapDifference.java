import java.io.*;
import java.util.*;

public class Main {
    public static void main(String[] args) throws IOException {
        BufferedReader br = new BufferedReader(new InputStreamReader(System.in));
        int n = Integer.parseInt(br.readLine().trim());
        TreeMap<Long, Integer> changes = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            String[] parts = br.readLine().trim().split("\\s+");
            long a = Long.parseLong(parts[0]);
            long b = Long.parseLong(parts[1]);
            addChange(changes, a, 1);
            addChange(changes, b + 1, -1);
        }
        System.out.println(peak(changes));
    }

    static void addChange(TreeMap<Long, Integer> changes, long at, int amount) {
        changes.merge(at, amount, Integer::sum);
    }

    static int peak(TreeMap<Long, Integer> changes) {
        int running = 0;
        int peak = 0;
        for (Map.Entry<Long, Integer> change : changes.entrySet()) {
            running += change.getValue();
            if (running > peak) {
                peak = running;
            }
        }
        return peak;
    }
}
